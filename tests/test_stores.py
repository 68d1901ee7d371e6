"""Store contracts, run against the in-memory and the Redis implementations alike."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from service.store.base import StoreUnavailable
from service.store.factory import GuardedConversationStore, make_conversation_store, make_feedback_store
from service.store.memory import MemoryConversationStore, MemoryFeedbackStore
from service.store.redis_store import RedisConversationStore, RedisFeedbackStore, redis_client

from .ops_fixtures import REPO

SETTINGS = {"STORE_TIMEOUT_SECONDS": 0.25, "STORE_RETRY_SECONDS": 0.0, "FEEDBACK_RETENTION_DAYS": 30}


@pytest.fixture(params=["memory", "redis"])
def conversations(request):
    if request.param == "memory":
        return MemoryConversationStore()
    server = request.getfixturevalue("redis_server")
    return make_conversation_store({**SETTINGS, "REDIS_URL": server.url})


def test_conversation_round_trip_and_delete(conversations):
    state = {"turns": [{"q": "What is CLL?", "topic": "leukemia"}], "n": 1, "ü": "ß"}
    assert conversations.get("conv-0001") is None
    conversations.put("conv-0001", state, 60)
    assert conversations.get("conv-0001") == state
    conversations.put("conv-0001", {**state, "n": 2}, 60)
    assert conversations.get("conv-0001")["n"] == 2
    conversations.delete("conv-0001")
    assert conversations.get("conv-0001") is None
    conversations.delete("conv-0001")  # deleting twice is fine
    assert conversations.ping()


def test_memory_state_expires_after_idle_time():
    now = [1000.0]
    store = MemoryConversationStore(clock=lambda: now[0])
    store.put("conv-0001", {"n": 1}, 30)
    now[0] += 29
    assert store.get("conv-0001") == {"n": 1}
    now[0] += 2
    assert store.get("conv-0001") is None


def test_redis_state_has_the_idle_expiry(redis_server):
    store = RedisConversationStore.from_url(redis_server.url)
    store.put("conv-0001", {"n": 1}, 30)
    ttl = store.client.ttl("cqa:conv:conv-0001")
    assert 0 < ttl <= 30
    raw = store.client.get("cqa:conv:conv-0001")
    assert json.loads(raw) == {"n": 1}  # JSON, never pickle


def test_redis_damaged_record_is_a_lost_context_not_an_error(redis_server):
    store = RedisConversationStore.from_url(redis_server.url)
    store.client.set("cqa:conv:conv-0001", b"\x80not json")
    assert store.get("conv-0001") is None


def test_two_processes_share_one_conversation(redis_server):
    """A second OS process (another server) continues a conversation the first one saved, alternately."""
    ours = RedisConversationStore.from_url(redis_server.url)
    ours.put("conv-shared", {"turns": ["first question"]}, 60)
    script = (
        "import sys\n"
        "from service.store.redis_store import RedisConversationStore\n"
        "s = RedisConversationStore.from_url(sys.argv[1])\n"
        "state = s.get('conv-shared')\n"
        "state['turns'].append('second question')\n"
        "s.put('conv-shared', state, 60)\n"
    )
    subprocess.run([sys.executable, "-c", script, redis_server.url], cwd=REPO, check=True, timeout=60)
    state = ours.get("conv-shared")
    assert state == {"turns": ["first question", "second question"]}


def test_redis_outage_raises_store_unavailable_then_recovers(redis_server):
    store = RedisConversationStore.from_url(redis_server.url, timeout_seconds=0.2, retry_seconds=0.0)
    store.put("conv-0001", {"n": 1}, 60)
    redis_server.stop()
    with pytest.raises(StoreUnavailable):
        store.get("conv-0001")
    assert store.ping() is False
    redis_server.start()
    assert store.ping() is True
    store.put("conv-0001", {"n": 2}, 60)
    assert store.get("conv-0001") == {"n": 2}


def test_breaker_fails_fast_while_open():
    calls = []

    class Dead:
        def get(self, key):
            calls.append(key)
            raise ConnectionError("refused")

    store = RedisConversationStore(Dead(), retry_seconds=60)  # type: ignore[arg-type]
    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            store.get("conv-0001")
    assert len(calls) == 1  # later calls did not wait on the network


def test_guard_degrades_instead_of_raising():
    errors = []

    class Down:
        def get(self, *args):
            raise StoreUnavailable("down")

        put = delete = get

        def ping(self):
            return False

    guard = GuardedConversationStore(Down(), on_error=errors.append)  # type: ignore[arg-type]
    assert guard.get("conv-0001") is None
    guard.put("conv-0001", {"n": 1}, 60)
    assert guard.degraded and errors == ["get", "put"]
    with pytest.raises(StoreUnavailable):
        guard.delete("conv-0001")  # the patient must learn that deletion failed
    assert guard.ping() is False


@pytest.fixture(params=["memory", "redis"])
def feedback(request):
    if request.param == "memory":
        return make_feedback_store(SETTINGS)
    server = request.getfixturevalue("redis_server")
    return make_feedback_store({**SETTINGS, "REDIS_URL": server.url})


def test_feedback_round_trip(feedback):
    feedback.add({"conversation_id": "conv-0001", "helpful": False})
    feedback.add({"conversation_id": "conv-0002", "helpful": True})
    recent = feedback.recent()
    assert [r["conversation_id"] for r in recent] == ["conv-0002", "conv-0001"]
    assert feedback.ping()


def test_feedback_retention():
    now = [1_000_000.0]
    store = MemoryFeedbackStore(retention_seconds=86400, clock=lambda: now[0])
    store.add({"helpful": True})
    now[0] += 86401
    assert store.recent() == []


def test_redis_feedback_key_expires_with_retention(redis_server):
    store = RedisFeedbackStore(redis_client(redis_server.url, 0.25), retention_seconds=3600)
    store.add({"helpful": True})
    assert 0 < store.client.ttl("cqa:feedback") <= 3600
