-- Q2 minimum cost supplier: for brass parts of size 15 in Europe, the suppliers offering the
-- lowest supply cost (the 100 with the highest account balance).
with

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

part_suppliers as (
    select * from {{ ref('stg_tpch__part_suppliers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

regions as (
    select * from {{ ref('stg_tpch__regions') }}
),

european_offers as (
    select
        part_suppliers.part_key,
        part_suppliers.supply_cost,
        suppliers.account_balance,
        suppliers.supplier_name,
        suppliers.supplier_address,
        suppliers.phone_number,
        suppliers.supplier_comment,
        nations.nation_name
    from part_suppliers
    inner join suppliers
        on part_suppliers.supplier_key = suppliers.supplier_key
    inner join nations
        on suppliers.nation_key = nations.nation_key
    inner join regions
        on nations.region_key = regions.region_key
    where regions.region_name = 'EUROPE'
),

cheapest as (
    select
        part_key,
        min(supply_cost) as min_supply_cost
    from european_offers
    group by part_key
),

final as (
    select
        european_offers.account_balance,
        european_offers.supplier_name,
        european_offers.nation_name,
        parts.part_key,
        parts.manufacturer,
        european_offers.supplier_address,
        european_offers.phone_number,
        european_offers.supplier_comment
    from parts
    inner join european_offers
        on parts.part_key = european_offers.part_key
    inner join cheapest
        on
            european_offers.part_key = cheapest.part_key
            and european_offers.supply_cost = cheapest.min_supply_cost
    where parts.part_size = 15 and parts.part_type like '%BRASS'
    order by
        european_offers.account_balance desc,
        european_offers.nation_name asc,
        european_offers.supplier_name asc,
        parts.part_key asc
    limit 100
)

select * from final
