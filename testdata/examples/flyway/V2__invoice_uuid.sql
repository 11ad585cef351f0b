-- gen_random_uuid() is volatile: every row is rewritten under ACCESS EXCLUSIVE.
ALTER TABLE invoices ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE invoices ADD CONSTRAINT invoices_number_key UNIQUE (number);
