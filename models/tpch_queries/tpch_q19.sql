-- Q19 discounted revenue: revenue of air shipments delivered in person for three brand, container,
-- size and quantity combinations.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

final as (
    select sum(line_items.extended_price * (1 - line_items.discount_rate)) as revenue
    from line_items
    inner join parts
        on line_items.part_key = parts.part_key
    where
        line_items.ship_mode in ('AIR', 'AIR REG')
        and line_items.ship_instructions = 'DELIVER IN PERSON'
        and (
            (
                parts.brand = 'Brand#12'
                and parts.container in ('SM CASE', 'SM BOX', 'SM PACK', 'SM PKG')
                and line_items.quantity between 1 and 11
                and parts.part_size between 1 and 5
            )
            or (
                parts.brand = 'Brand#23'
                and parts.container in ('MED BAG', 'MED BOX', 'MED PKG', 'MED PACK')
                and line_items.quantity between 10 and 20
                and parts.part_size between 1 and 10
            )
            or (
                parts.brand = 'Brand#34'
                and parts.container in ('LG CASE', 'LG BOX', 'LG PACK', 'LG PKG')
                and line_items.quantity between 20 and 30
                and parts.part_size between 1 and 15
            )
        )
)

select * from final
