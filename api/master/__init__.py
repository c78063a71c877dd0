"""Master data: the LSP's profile, skema, asesor, TUK and peserta, and the records processes write about them."""
