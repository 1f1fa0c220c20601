with

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

nations as (
    select * from {{ ref('int_nations__enriched') }}
),

market_segments as (
    select * from {{ ref('market_segments') }}
),

final as (
    select
        customers.customer_key,
        customers.customer_name,
        customers.market_segment,
        market_segments.segment_label,
        customers.nation_key,
        nations.nation_name,
        nations.iso_alpha2 as nation_iso_code,
        nations.region_name,
        customers.phone_number,
        customers.account_balance
    from customers
    left join nations
        on customers.nation_key = nations.nation_key
    left join market_segments
        on customers.market_segment = market_segments.market_segment
)

select * from final
