"""`lakehouse data` and `lakehouse feed`: the raw TPC-H tables and the daily feed."""

import argparse
import sys
from datetime import date
from pathlib import Path

from lakehouse import settings
from lakehouse.cli_args import Commands, add_data_dir, add_scale
from lakehouse.data import daily_feed, tpch_data


def _data(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
        directory = tpch_data.generate(args.data_dir, scale)
    except (tpch_data.InvalidScaleError, tpch_data.NotGeneratedDataError) as error:
        print(f"lakehouse data: {error}", file=sys.stderr)
        return 2
    print(f"TPC-H scale factor {tpch_data.scale_label(scale)} is in {directory}")
    return 0


def _feed(args: argparse.Namespace) -> int:
    try:
        scale = tpch_data.parse_scale(args.scale)
        if args.action == "start":
            until = _iso_date(args.until)
            folder = daily_feed.start(args.data_dir, args.feed_dir, scale, until)
            print(
                f"orders and line items up to {until} landed as one batch per month, and the "
                f"customers' and part suppliers' extracts of {until}, in {folder}"
            )
            return 0
        if args.action == "event-times":
            start, end = daily_feed.event_time_bounds(args.feed_dir, scale, args.lookback_days)
            print(f"--event-time-start {start} --event-time-end {end}")
            return 0
        days = daily_feed.land_next_days(args.data_dir, args.feed_dir, scale, args.days)
    except (
        tpch_data.InvalidScaleError,
        tpch_data.NotGeneratedDataError,
        daily_feed.FeedError,
    ) as error:
        print(f"lakehouse feed: {error}", file=sys.stderr)
        return 2
    if days:
        print("landed " + ", ".join(str(day) for day in days))
    else:
        print("nothing to land: every day of the generated orders is in the feed")
    return 0


def _iso_date(text: str | None) -> date:
    if text is None:
        raise daily_feed.FeedError("start needs --until YYYY-MM-DD, the last day to land")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise daily_feed.FeedError(
            f"invalid date {text!r}: use YYYY-MM-DD, for example 1998-07-01"
        ) from None


def register(commands: Commands) -> None:
    """data, feed."""
    data = commands.add_parser(
        "data",
        help="generate raw TPC-H tables as Parquet (reuses tables already generated)",
        description="Generate the raw TPC-H tables as Parquet with tpchgen-cli, one folder per "
        "table under DATA_DIR/sf<SCALE>. Tables already there are reused as they are.",
    )
    add_scale(
        data,
        settings.get("TPCH_SCALE"),
        "TPC-H scale factor: 1 is 6 million line items, about 350 MB of Parquet",
    )
    add_data_dir(data, "root folder of the raw data")
    data.set_defaults(handler=_data)

    feed = commands.add_parser(
        "feed",
        help="lay raw orders and line items out as daily landing folders, add the next day(s)",
        description="A daily feed over the generated TPC-H data: `start` lays the orders up to "
        "--until and their line items out as FEED_DIR/sf<SCALE>/{orders,lineitem}/"
        "landing_date=YYYY-MM-DD/ (the other tables link to DATA_DIR); `next` lands the next "
        "--days day(s); `event-times` prints the microbatch bounds of a build for the latest "
        "day, as dbt options. Build on it with TPCH_DATA_DIR=FEED_DIR.",
    )
    feed.add_argument("action", choices=["start", "next", "event-times"])
    add_scale(feed, settings.get("TPCH_SCALE"), "TPC-H scale factor")
    feed.add_argument("--until", help="with start: last day to land, YYYY-MM-DD")
    feed.add_argument("--days", type=int, default=1, help="with next: days to land (default 1)")
    feed.add_argument(
        "--lookback-days",
        type=int,
        default=daily_feed.LOOKBACK_DAYS,
        help="with event-times: how many days late an order may land (default "
        f"{daily_feed.LOOKBACK_DAYS}, dbt's fact_lookback_days)",
    )
    # Not $TPCH_DATA_DIR: make points that at the feed itself.
    add_data_dir(
        feed,
        "generated data the feed comes from",
        settings.PROJECT_DIR / settings.defaults()["TPCH_DATA_DIR"],
    )
    feed.add_argument(
        "--feed-dir",
        type=Path,
        default=settings.path("LAKEHOUSE_FEED_DIR"),
        help="root of the feed (default $LAKEHOUSE_FEED_DIR or data/tpch-daily in the project)",
    )
    feed.set_defaults(handler=_feed)
