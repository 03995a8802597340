"""Qt-free core of PhotoTriage: scanning, decoding, catalog, jobs."""
