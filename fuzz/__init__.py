"""A seeded, time-boxed mutation fuzzer for every input kind (see run.py; `make fuzz`)."""
