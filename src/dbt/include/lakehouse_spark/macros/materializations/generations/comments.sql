{#- YAML descriptions as comments in the catalog (persist_docs) on plain Parquet, where dbt-spark
    writes none: `describe table`, SHOW CREATE TABLE and JDBC clients show them on the view users
    query. A generation is written from rows whose columns carry their descriptions: Spark keeps a
    column's comment through `select *`, a CTAS and a view over the table or view, so the model's
    view takes them from its generation at each switch (a table model's generation table, a view
    model's generation view). The view's own comment is a table property, set with the inputs it
    records after each build (ALTER VIEW keeps it). -#}

{#- The model's SQL as a temporary view whose columns carry their descriptions, to be selected
    from; the SQL itself when the model persists no column docs. -#}
{% macro lakehouse_with_column_comments(sql) %}
    {%- set columns = lakehouse_commented_columns(sql) if model.language == 'sql' else '' -%}
    {%- if not columns -%}
        {{ return(sql) }}
    {%- endif -%}
    {%- set described = this.incorporate(path={'identifier': this.identifier ~ '__described'})
        .include(database=false, schema=false) -%}
    {%- call statement('describe_columns') -%}
        create or replace temporary view {{ described }} {{ columns }} as
        {{ sql }}
    {%- endcall -%}
    {{ return('select * from ' ~ described) }}
{% endmacro %}

{#- The column list of a view over `sql` with each documented column's description as its
    comment, `(a comment '...', b, ...)`; empty when the model persists no column docs. -#}
{% macro lakehouse_commented_columns(sql) %}
    {%- set comments = lakehouse_column_comments() -%}
    {%- if not comments -%}
        {{ return('') }}
    {%- endif -%}
    {%- set listed = [] -%}
    {%- for column in get_columns_in_query(sql) -%}
        {%- set text = comments.get(column | lower) -%}
        {%- do listed.append(adapter.quote(column)
            ~ (' comment ' ~ adapter.sql_string(text) if text else '')) -%}
    {%- endfor -%}
    {{ return('(' ~ listed | join(', ') ~ ')') }}
{% endmacro %}

{#- Each documented column's description by lower-case name, when the model persists column
    docs. -#}
{% macro lakehouse_column_comments() %}
    {%- set comments = {} -%}
    {%- if config.persist_column_docs() -%}
        {%- for name, column in model.columns.items() if column.description -%}
            {% do comments.update({name | lower: column.description}) %}
        {%- endfor -%}
    {%- endif -%}
    {{ return(comments) }}
{% endmacro %}

{#- The model's description, when it persists relation docs: the comment of its view. -#}
{% macro lakehouse_relation_comment() %}
    {%- set description = model.description | trim -%}
    {{ return(description if config.persist_relation_docs() and description else none) }}
{% endmacro %}

{#- Brings the comments a model's view (or a seed's table) shows up to its descriptions where they
    differ (edited descriptions, or a generation written before they were persisted); writes
    nothing when they agree. Columns are commented on `table`: a seed's own table, or the
    generation table, which the view takes at its next switch (`republish_text`, when given,
    switches it again now to the same text); none for a view model, whose columns Spark cannot
    comment (its materialization writes a new generation view instead, view.sql). Spark alters no
    partition column: those keep the comment they were written with. -#}
{% macro lakehouse_refresh_comments(relation, table, republish_text=none) %}
    {%- set stale = adapter.stale_comments(relation, lakehouse_column_comments(),
        lakehouse_relation_comment()) -%}
    {%- set partition_columns = lakehouse_partition_columns() | map('lower') | list -%}
    {%- set columns = {} -%}
    {%- if table is not none -%}
        {%- for name, text in stale.columns.items() if name | lower not in partition_columns -%}
            {% do columns.update({name: text}) %}
        {%- endfor -%}
    {%- endif -%}
    {%- for name, text in columns.items() -%}
        {% call statement('comment_column') -%}
            alter table {{ table }} alter column {{ adapter.quote(name) }}
            comment {{ adapter.sql_string(text) }}
        {%- endcall %}
    {%- endfor -%}
    {%- if columns and republish_text -%}
        {% do lakehouse_publish_generation(relation, republish_text) %}
    {%- endif -%}
    {%- if stale.relation -%}
        {% do adapter.record_comment(relation, stale.relation) %}
    {%- endif -%}
{% endmacro %}

{#- dbt-spark's persist_docs describes the relation and then comments columns of Delta, Iceberg and
    Hudi tables only; here the comments are written with the rows and the view's inputs. -#}
{% macro lakehouse_spark__persist_docs(relation, model, for_relation, for_columns) %}
{% endmacro %}
