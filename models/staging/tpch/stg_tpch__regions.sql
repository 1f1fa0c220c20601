with

source as (
    select * from {{ source('tpch', 'region') }}
    where not {{ breaks_rejection_rules('region') }}
),

renamed as (
    select
        r_regionkey as region_key,
        trim(r_name) as region_name,
        trim(r_comment) as region_comment
    from source
)

select * from renamed
