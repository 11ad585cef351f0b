class ImportPreview
  def initialize(import)
    @import = import
  end

  def lines
    @import.raw_csv_str.to_s.lines
  end

  def bytes(record)
    record.raw_csv_str&.bytesize
  end

  def status
    response.raw_csv_str
  end

  def present?(record)
    record.raw_csv_str? && record.col_sep
  end
end
