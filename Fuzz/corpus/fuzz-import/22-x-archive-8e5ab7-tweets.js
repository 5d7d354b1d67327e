window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1800000000000000002" ], "editableUntil" : "2026-11-19T10:00:00.000Z", "editsRemaining" : "5", "isEditEligible" : true } },
      "retweeted" : false,
      "source" : "<a href=\"https://x.example/\" rel=\"nofollow\">X Web App</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "64" ],
      "favorite_count" : "3",
      "id_str" : "1800000000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1800000000000000002",
      "created_at" : "Thu Nov 19 09:00:00 +0000 2026",
      "favorited" : false,
      "full_text" : "Flu clinic this Saturday: bring your card &amp; arrive &lt;10 min early",
      "lang" : "en"
    }
  }
]
