"""Raw data: TPC-H tables generated as Parquet, the daily feed over them, and the files a
model's view serves."""
