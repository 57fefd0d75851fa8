"""A replica that restarts takes up at once what its earlier life held, and never what another replica holds."""

from __future__ import annotations

import os
import socket

from bot.core.intake import earlier_lives, replica_name

HOST = socket.gethostname()[:80]


def test_an_earlier_life_is_the_same_host_with_its_process_gone_or_the_same_pid_again() -> None:
    me = replica_name()
    gone = f"{HOST}:{2**22 + 17}:abc123"  # above Linux's largest pid: no such process
    same_pid_before = f"{HOST}:{os.getpid()}:0f0f0f"
    alive_beside_us = f"{HOST}:{os.getppid()}:123abc"
    other_host = f"web-elsewhere:{2**22 + 17}:abc123"
    holders = {me, gone, same_pid_before, alive_beside_us, other_host}
    assert sorted(earlier_lives(holders, me=me)) == sorted([gone, same_pid_before])


def test_each_life_has_a_name_of_its_own() -> None:
    assert replica_name() != replica_name()
