-- Every shipped CSV lands as text, byte-faithful: casting is staging's job,
-- and reading HS codes as numbers would drop their leading zeros. Quote and escape
-- are explicit: with strict_mode off the sniffer leaves CSV's doubled "" undecoded.
select * from read_csv($path, all_varchar = true, header = true, skip = $skip, null_padding = true, strict_mode = false,
    quote = '"', escape = '"')
