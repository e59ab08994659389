"""Analysts\x27 exports: the crossings of a period as CSV or Parquet, streamed."""
