"""Kombu's Redis transport, with a worker that stops listening after an outage worked around.

Kombu 5.7.0 (the latest) frees a message's prefetch slot only once Redis has been told of its
acknowledgement. A task that ends while Redis is down ("Couldn't ack ...") keeps its slot for
good; with one slot per worker process (acks late, prefetch multiplier 1) the worker never asks
Redis for work again, so it never notices that the connection is gone: it stays up, reconnects
never, and runs nothing until restarted by hand. Here the slot is freed either way. Redis hands
the message out again after the visibility timeout, and our tasks claim their work, so a second
run does nothing twice; the freed slot's next BRPOP finds the connection lost and the worker
reconnects.
"""

from kombu.transport import redis, virtual


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        try:
            super().ack(delivery_tag)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)
            raise

    def reject(self, delivery_tag, requeue=False):
        try:
            super().reject(delivery_tag, requeue=requeue)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)
            raise


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
