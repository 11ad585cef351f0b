TRUNCATE users CASCADE; -- want: truncate-cascade
