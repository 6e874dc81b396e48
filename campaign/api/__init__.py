"""The OSDI HAL+JSON API (/api/v1/) and the coalition's API keys."""
