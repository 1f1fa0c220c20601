-- Q8 national market share: Brazil's share of the American market for economy anodized steel
-- parts, per year of 1995-1996.
with

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

regions as (
    select * from {{ ref('stg_tpch__regions') }}
),

all_nations as (
    select
        year(orders.order_date) as o_year,
        line_items.extended_price * (1 - line_items.discount_rate) as volume,
        supplier_nations.nation_name as nation
    from parts
    inner join line_items
        on parts.part_key = line_items.part_key
    inner join suppliers
        on line_items.supplier_key = suppliers.supplier_key
    inner join orders
        on line_items.order_key = orders.order_key
    inner join customers
        on orders.customer_key = customers.customer_key
    inner join nations as customer_nations
        on customers.nation_key = customer_nations.nation_key
    inner join regions
        on customer_nations.region_key = regions.region_key
    inner join nations as supplier_nations
        on suppliers.nation_key = supplier_nations.nation_key
    where
        regions.region_name = 'AMERICA'
        and orders.order_date between date '1995-01-01' and date '1996-12-31'
        and parts.part_type = 'ECONOMY ANODIZED STEEL'
),

final as (
    select
        o_year,
        sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share
    from all_nations
    group by o_year
)

select * from final
