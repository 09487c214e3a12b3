"""Benchmarks and the soak, run from a checkout of the source and kept out of the wheel: the speed
figures of `kiosk bench` (core: the queue and printing; terminals: the screens) and a simulated day
(soak)."""
