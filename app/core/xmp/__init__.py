"""XMP: decisions written to and read from sidecars (and XMP embedded in the photos), in the
conventions darktable, digiKam and Lightroom read. ``document`` edits one XMP packet without
losing anything else in it; ``convention`` maps decisions to XMP properties; ``sidecars`` finds,
reads and writes the files; ``sync`` does it for a whole library."""
