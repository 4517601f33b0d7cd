"""Test setup: gevent patches the standard library first, as the real entry point does."""

from gevent import monkey

monkey.patch_all()
