-- Q16 parts/supplier relationship: suppliers without complaints that can supply parts of given
-- sizes, per brand, type and size.
with

part_suppliers as (
    select * from {{ ref('stg_tpch__part_suppliers') }}
),

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

complained_about as (
    select supplier_key
    from suppliers
    where supplier_comment like '%Customer%Complaints%'
),

final as (
    select
        parts.brand,
        parts.part_type,
        parts.part_size,
        count(distinct part_suppliers.supplier_key) as supplier_count
    from part_suppliers
    inner join parts
        on part_suppliers.part_key = parts.part_key
    left anti join complained_about
        on part_suppliers.supplier_key = complained_about.supplier_key
    where
        parts.brand != 'Brand#45'
        and parts.part_type not like 'MEDIUM POLISHED%'
        and parts.part_size in (49, 14, 23, 45, 19, 3, 36, 9)
    group by parts.brand, parts.part_type, parts.part_size
)

select * from final
