window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "reception@practice.example.org",
      "createdVia" : "web",
      "username" : "drexample_gp",
      "accountId" : "1400000000000000001",
      "createdAt" : "2019-03-02T09:00:00.000Z",
      "accountDisplayName" : "Dr A Example"
    }
  }
]
