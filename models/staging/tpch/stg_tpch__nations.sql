with

source as (
    select * from {{ source('tpch', 'nation') }}
    where not {{ breaks_rejection_rules('nation') }}
),

renamed as (
    select
        n_nationkey as nation_key,
        trim(n_name) as nation_name,
        n_regionkey as region_key,
        trim(n_comment) as nation_comment
    from source
)

select * from renamed
