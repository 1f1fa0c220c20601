-- Q5 local supplier volume: revenue of 1994 from suppliers selling to customers of their own
-- nation, per Asian nation.
with

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

regions as (
    select * from {{ ref('stg_tpch__regions') }}
),

final as (
    select
        nations.nation_name,
        sum(line_items.extended_price * (1 - line_items.discount_rate)) as revenue
    from customers
    inner join orders
        on customers.customer_key = orders.customer_key
    inner join line_items
        on orders.order_key = line_items.order_key
    inner join suppliers
        on
            line_items.supplier_key = suppliers.supplier_key
            and customers.nation_key = suppliers.nation_key
    inner join nations
        on suppliers.nation_key = nations.nation_key
    inner join regions
        on nations.region_key = regions.region_key
    where
        regions.region_name = 'ASIA'
        and orders.order_date >= date '1994-01-01'
        and orders.order_date < add_months(date '1994-01-01', 12)
    group by nations.nation_name
)

select * from final
