-- +goose Up
DROP VIEW daily_revenue;
