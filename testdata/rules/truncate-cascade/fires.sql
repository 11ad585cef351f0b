TRUNCATE users CASCADE; -- want: truncate-cascade "TRUNCATE users CASCADE also empties every table that references it"
