with

source as (
    select * from {{ source('tpch', 'part') }}
    where not {{ breaks_rejection_rules('part') }}
),

renamed as (
    select
        p_partkey as part_key,
        trim(p_name) as part_name,
        trim(p_mfgr) as manufacturer,
        trim(p_brand) as brand,
        trim(p_type) as part_type,
        p_size as part_size,
        trim(p_container) as container,
        p_retailprice as retail_price,
        trim(p_comment) as part_comment
    from source
)

select * from renamed
