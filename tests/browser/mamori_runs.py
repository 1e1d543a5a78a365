"""The stores and EVE files the console tests serve, made by the real pipeline: the demo
capture (mamori-demogen) or any capture run through `mamori run --pcap` with the default
rules or given ones."""
import os
import subprocess

from test_context import Paths


def run_capture(pcap, store, eve, extra=()):
    """`mamori run --pcap` into a fresh store and EVE file (mamori appends to both)."""
    for path in (store, eve):
        if os.path.exists(path):
            os.remove(path)
    done = subprocess.run([Paths.mamori, "run", "--pcap", pcap, "--workers", "2", "--store", store, "--eve", eve,
                           "--no-summary", *extra], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"mamori run --pcap {pcap} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def demo_run(directory):
    """The demo (docs/demo.md): its capture run with the default rules. Returns (store, eve)."""
    pcap, store, eve = f"{directory}/office.pcap", f"{directory}/incidents.db", f"{directory}/eve.json"
    done = subprocess.run([Paths.demogen, "--out", pcap], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"mamori-demogen failed ({done.returncode}): {done.stderr}")
    run_capture(pcap, store, eve)
    return store, eve


def filled_store(directory, count):
    """A store of `count` open incidents of four sensors, saved by incident-store-filler."""
    store = f"{directory}/filled.db"
    done = subprocess.run([Paths.filler, "--store", store, "--count", str(count)], capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"incident-store-filler failed ({done.returncode}): {done.stderr}")
    return store
