-- Every version of each customer (customers_snapshot), with the days it held: join an order to the
-- version that held on its date (held_on) to see the customer as they were when ordering.

with

versions as (
    select
        *,
        {{ version_validity(['customer_key']) }}
    from {{ ref('customers_snapshot') }}
),

nations as (
    select * from {{ ref('int_nations__enriched') }}
),

market_segments as (
    select * from {{ ref('market_segments') }}
),

final as (
    select
        versions.dbt_scd_id as customer_version_key,
        versions.customer_key,
        versions.customer_name,
        versions.market_segment,
        market_segments.segment_label,
        versions.nation_key,
        nations.nation_name,
        versions.account_balance,
        versions.valid_from,
        versions.valid_to,
        versions.valid_to is null as is_current
    from versions
    left join nations
        on versions.nation_key = nations.nation_key
    left join market_segments
        on versions.market_segment = market_segments.market_segment
)

select * from final
