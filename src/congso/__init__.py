"""CongSo — công sở số: e-government platform for Vietnamese local governments."""
