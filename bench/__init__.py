"""CongSo benchmarks (``make bench``): data generators and load measurements. Not tests."""
