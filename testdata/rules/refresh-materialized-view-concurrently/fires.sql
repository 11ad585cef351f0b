REFRESH MATERIALIZED VIEW sales_summary; -- want: refresh-materialized-view-concurrently
