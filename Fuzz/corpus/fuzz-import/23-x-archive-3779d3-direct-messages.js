window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1400000000000000001-1500000000000000002",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "1400000000000000001",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "I know which surgery you park at. You will regret that diagnosis.",
            "mediaUrls" : [ "https://ton.twitter.com/dm/1600000000000000013/1600000000000000099/kZx1.jpg" ],
            "senderId" : "1500000000000000002",
            "id" : "1600000000000000013",
            "createdAt" : "2026-11-21T22:05:09.120Z",
            "editHistory" : [ ]
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1500000000000000002",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "Please stop contacting me here.",
            "mediaUrls" : [ ],
            "senderId" : "1400000000000000001",
            "id" : "1600000000000000012",
            "createdAt" : "2026-11-21T08:15:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "recipientId" : "1400000000000000001",
            "reactions" : [ { "senderId" : "1500000000000000002", "reactionKey" : "angry", "eventId" : "1600000000000000014", "createdAt" : "2026-11-21T22:06:00.000Z" } ],
            "urls" : [ { "url" : "https://t.co/AbCdEf", "expanded" : "https://reviews.example.net/dr-example", "display" : "reviews.example.net/dr-exam…" } ],
            "text" : "Everyone will read this https://t.co/AbCdEf and believe it",
            "mediaUrls" : [ "https://video.twimg.com/dm_video/1600000000000000098/vid/320x240/Qw3rTy.mp4?tag=1" ],
            "senderId" : "1500000000000000002",
            "id" : "1600000000000000011",
            "createdAt" : "2026-11-20T21:30:05.000Z"
          }
        }
      ]
    }
  }
]
