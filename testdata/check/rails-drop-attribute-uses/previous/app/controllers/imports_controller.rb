class ImportsController < ApplicationController
  def index
    @sizes = Import.where.not(raw_csv_str: nil).pluck(:id, :raw_csv_str)
  end

  def import_params
    params.require(:import).permit(:raw_csv_str, :col_sep)
  end
end
