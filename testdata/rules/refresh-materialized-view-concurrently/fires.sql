REFRESH MATERIALIZED VIEW sales_summary; -- want: refresh-materialized-view-concurrently "REFRESH MATERIALIZED VIEW sales_summary without CONCURRENTLY blocks every read"
