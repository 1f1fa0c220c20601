{#- dbt's seed materialization, except that a seed table loaded from this very CSV with these column
    types is kept (no drop, no load); its checksum is recorded on the table after a load. Either
    way its columns then carry their YAML descriptions (comments.sql). -#}
{% materialization seed, adapter='lakehouse_spark' -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- if not should_full_refresh() and adapter.seed_is_unchanged(target_relation, model) -%}
        {% do lakehouse_refresh_comments(target_relation, target_relation) %}
        {% do store_result('agate_table', response='OK', agate_table=load_agate_table()) %}
        {% do lakehouse_store_unchanged_result() %}
        {{ return({'relations': [target_relation]}) }}
    {%- endif -%}
    {%- set loaded = dbt.materialization_seed_default() -%}
    {% do adapter.record_seed(target_relation, model) %}
    {% do lakehouse_refresh_comments(target_relation, target_relation) %}
    {{ return(loaded) }}
{%- endmaterialization %}
