"""Tools the tests and the benchmarks share, kept out of the wheel: a loopback ESC/POS printer that can
be made to fail (loopback), a decoder of the print jobs it receives (decode), and load generation with
real processes (loadgen)."""
