"""DUKPT: :mod:`pinsec.dukpt.tdes` (ANSI X9.24-1:2009) and :mod:`pinsec.dukpt.aes` (ANSI X9.24-3:2017)."""
