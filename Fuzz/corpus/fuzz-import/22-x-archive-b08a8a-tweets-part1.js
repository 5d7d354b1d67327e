window.YTD.tweets.part1 = [
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "user_mentions" : [ { "name" : "Someone Angry", "screen_name" : "angry_example", "indices" : [ "0", "14" ], "id_str" : "1500000000000000002", "id" : "1500000000000000002" } ],
        "media" : [ { "media_url_https" : "https://pbs.twimg.com/media/Xy9Zpic.png", "id_str" : "1900000000000000001", "type" : "photo" } ]
      },
      "id_str" : "1800000000000000003",
      "in_reply_to_status_id_str" : "1800000000000000001",
      "in_reply_to_user_id_str" : "1500000000000000002",
      "in_reply_to_screen_name" : "angry_example",
      "id" : "1800000000000000003",
      "created_at" : "Sat Nov 21 07:45:30 +0000 2026",
      "full_text" : "@angry_example I cannot discuss anything here. Please use the practice's complaints procedure.",
      "lang" : "en"
    }
  }
]
