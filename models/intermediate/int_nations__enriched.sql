with

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

regions as (
    select * from {{ ref('stg_tpch__regions') }}
),

nation_codes as (
    select * from {{ ref('nation_codes') }}
),

final as (
    select
        nations.nation_key,
        nations.nation_name,
        nations.region_key,
        regions.region_name,
        nation_codes.iso_alpha2,
        nation_codes.iso_alpha3,
        nation_codes.currency_code
    from nations
    left join regions
        on nations.region_key = regions.region_key
    left join nation_codes
        on nations.nation_name = nation_codes.nation_name
)

select * from final
