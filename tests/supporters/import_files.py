"""CSV files for the import tests, with Action Network's headers."""

import csv
import io

AN_HEADER = (
    "first_name",
    "last_name",
    "email",
    "zip_code",
    "can2_phone",
    "language",
    "can2_subscription_status",
)
SPANISH = [("María", "Núñez"), ("José", "Peña"), ("Begoña", "Ibáñez"), ("Iñaki", "Muñoz")]


def csv_bytes(rows, header=AN_HEADER, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def big_file(count: int) -> tuple[bytes, dict]:
    """`count` rows: every 10th repeats an earlier address, every 25th has a bad email, every
    20th is unsubscribed, every 4th a Spanish name; returns the bytes and the expected counts."""
    rows, expected = [], {"imported": 0, "matched": 0, "skipped": 0, "unsubscribed": 0}
    for n in range(count):
        first, last = SPANISH[n % 4] if n % 4 == 0 else ("Pat", f"Lee{n}")
        if n % 25 == 3:
            email = f"bad-address-{n}"
            expected["skipped"] += 1
        elif n % 10 == 9:
            email = f"person{n - 9}@example.org".upper()  # the same person, written otherwise
            expected["matched"] += 1
        else:
            email = f"person{n}@example.org"
            expected["imported"] += 1
        status = "unsubscribed" if n % 20 == 0 else "subscribed"
        if status == "unsubscribed" and email.startswith("person"):
            expected["unsubscribed"] += 1
        rows.append((first, last, email, "37203", "615-555-0100", "es" if n % 4 == 0 else "en", status))
    return csv_bytes(rows), expected
