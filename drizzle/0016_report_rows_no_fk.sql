-- report_rows.file_id without a foreign key: a million-row COPY paid a referential check per row (bench/reconciliation.bench.ts).
-- The importer keeps integrity: rows are written only for the report_files row it inserted in the same transaction.
ALTER TABLE "report_rows" DROP CONSTRAINT "report_rows_file_id_report_files_id_fk";
