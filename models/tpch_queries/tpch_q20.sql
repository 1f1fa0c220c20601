-- Q20 potential part promotion: Canadian suppliers holding more than half of what they shipped in
-- 1994 of some "forest" part.
with

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

part_suppliers as (
    select * from {{ ref('stg_tpch__part_suppliers') }}
),

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

shipped_1994 as (
    select
        part_key,
        supplier_key,
        0.5 * sum(quantity) as half_quantity
    from line_items
    where ship_date >= date '1994-01-01' and ship_date < add_months(date '1994-01-01', 12)
    group by part_key, supplier_key
),

overstocked as (
    select distinct part_suppliers.supplier_key
    from part_suppliers
    inner join parts
        on part_suppliers.part_key = parts.part_key
    inner join shipped_1994
        on
            part_suppliers.part_key = shipped_1994.part_key
            and part_suppliers.supplier_key = shipped_1994.supplier_key
    where
        parts.part_name like 'forest%'
        and part_suppliers.available_quantity > shipped_1994.half_quantity
),

final as (
    select
        suppliers.supplier_name,
        suppliers.supplier_address
    from suppliers
    inner join nations
        on suppliers.nation_key = nations.nation_key
    left semi join overstocked
        on suppliers.supplier_key = overstocked.supplier_key
    where nations.nation_name = 'CANADA'
)

select * from final
