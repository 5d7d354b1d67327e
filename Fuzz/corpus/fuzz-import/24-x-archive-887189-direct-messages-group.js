window.YTD.direct_messages_group.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1700000000000000001",
      "messages" : [
        {
          "participantsLeave" : {
            "initiatingUserId" : "1500000000000000003",
            "userIds" : [ "1500000000000000003" ],
            "createdAt" : "2026-11-22T10:00:00.000Z"
          }
        },
        {
          "messageCreate" : {
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "We all know what the doctor did. Tell everyone.",
            "mediaUrls" : [ ],
            "senderId" : "1500000000000000003",
            "id" : "1600000000000000021",
            "createdAt" : "2026-11-22T09:59:00.000Z"
          }
        },
        {
          "joinConversation" : {
            "initiatingUserId" : "1500000000000000003",
            "participantsSnapshot" : [ "1400000000000000001", "1500000000000000002", "1500000000000000003" ],
            "createdAt" : "2026-11-22T09:00:00.000Z"
          }
        }
      ]
    }
  }
]
