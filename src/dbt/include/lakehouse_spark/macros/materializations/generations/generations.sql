{#- Generations of a model (dbt/adapters/lakehouse_spark/generations.py): each build of a table or
    incremental model writes a generation table, <model>__g<id>, beside the one its view serves;
    the view is switched to it only once it is complete (publish.sql). -#}

{#- What the model's view serves: adapter.served_generation (table_generation, generation,
    partitioned, inputs) plus 'table', the relation of its generation table; none before the
    model's first build in generations. -#}
{% macro lakehouse_served_generation(relation) %}
    {%- set served = adapter.served_generation(relation) -%}
    {%- if served is not none -%}
        {% do served.update({'table': adapter.generation_table(relation, served.table_generation)}) %}
    {%- endif -%}
    {{ return(served) }}
{% endmacro %}

{#- The run's start time to the microsecond: every generation the run writes is at least this. -#}
{% macro lakehouse_run_generation_id() %}
    {{ return(run_started_at.strftime('%Y%m%d%H%M%S%f')) }}
{% endmacro %}

{#- A generation id that sorts after every earlier one: the run's, raised above the served
    generation if the clock went back. -#}
{% macro lakehouse_new_generation_id(served) %}
    {%- set generation = lakehouse_run_generation_id() -%}
    {%- if served is not none and served.generation | int >= generation | int -%}
        {%- set generation = (served.generation | int + 1) | string -%}
    {%- endif -%}
    {{ return(generation) }}
{% endmacro %}

{#- Drops every generation table of the model but the one its view serves: the one the last build
    replaced (kept until now for readers still reading it), what a failed or killed run left, and
    tables of an earlier layout. -#}
{% macro lakehouse_drop_unserved_generations(relation, served) %}
    {%- for table in adapter.unserved_generation_tables(relation, served) -%}
        {% do adapter.drop_relation(table) %}
    {%- endfor -%}
{% endmacro %}
