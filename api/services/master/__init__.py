"""Master data: the LSP profile, skema, asesor (with conflicts of interest), TUK and peserta; one module per
resource over the shared helpers of `crud`. Nothing is deleted: records that processes and certificates
refer to are deactivated instead."""
