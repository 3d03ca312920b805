-- The quickstart's shop database (H2, created by examples/quickstart.sh): one table with three orders.
CREATE SCHEMA IF NOT EXISTS demo;
CREATE TABLE IF NOT EXISTS demo.orders (
    id BIGINT PRIMARY KEY,
    customer VARCHAR(100) NOT NULL,
    status VARCHAR(20) NOT NULL,
    amount DECIMAL(12, 2),
    updated_at TIMESTAMP(6) DEFAULT LOCALTIMESTAMP(6) NOT NULL
);
MERGE INTO demo.orders (id, customer, status, amount) KEY (id) VALUES
    (1, 'Ada Byron', 'shipped', 120.00),
    (2, 'Grace Hopper', 'paid', 99.90),
    (3, 'Alan Kay', 'new', 15.25);
