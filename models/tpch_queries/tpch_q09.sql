-- Q9 product type profit measure: profit on parts whose name contains "green", per supplier nation
-- and year.
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

part_suppliers as (
    select * from {{ ref('stg_tpch__part_suppliers') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

profit as (
    select
        nations.nation_name as nation,
        year(orders.order_date) as o_year,
        line_items.extended_price * (1 - line_items.discount_rate)
        - part_suppliers.supply_cost * line_items.quantity as amount
    from parts
    inner join line_items
        on parts.part_key = line_items.part_key
    inner join suppliers
        on line_items.supplier_key = suppliers.supplier_key
    inner join part_suppliers
        on
            line_items.supplier_key = part_suppliers.supplier_key
            and line_items.part_key = part_suppliers.part_key
    inner join orders
        on line_items.order_key = orders.order_key
    inner join nations
        on suppliers.nation_key = nations.nation_key
    where parts.part_name like '%green%'
),

final as (
    select
        nation,
        o_year,
        sum(amount) as sum_profit
    from profit
    group by nation, o_year
)

select * from final
