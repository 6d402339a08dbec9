"""CVR-opslag: company master data looked up in the portal's company register."""
