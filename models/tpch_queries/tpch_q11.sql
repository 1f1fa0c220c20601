-- Q11 important stock identification: German suppliers' parts whose stock value exceeds 0.01 % of
-- the value of all their stock.
with

part_suppliers as (
    select * from {{ ref('stg_tpch__part_suppliers') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

german_stock as (
    select
        part_suppliers.part_key,
        part_suppliers.supply_cost * part_suppliers.available_quantity as stock_value
    from part_suppliers
    inner join suppliers
        on part_suppliers.supplier_key = suppliers.supplier_key
    inner join nations
        on suppliers.nation_key = nations.nation_key
    where nations.nation_name = 'GERMANY'
),

per_part as (
    select
        part_key,
        sum(stock_value) as stock_value
    from german_stock
    group by part_key
),

final as (
    select
        part_key,
        stock_value
    from per_part
    where stock_value > (select sum(german_stock.stock_value) * 0.0001 from german_stock)
)

select * from final
