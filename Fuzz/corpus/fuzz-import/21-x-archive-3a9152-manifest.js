window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "1400000000000000001",
    "userName" : "drexample_gp",
    "displayName" : "Dr A Example"
  },
  "archiveInfo" : {
    "sizeBytes" : "40960",
    "generationDate" : "2026-11-24T08:00:00.000Z",
    "isPartialArchive" : false
  },
  "dataTypes" : {
    "account" : {
      "files" : [ { "fileName" : "data/account.js", "globalName" : "YTD.account.part0", "count" : "1" } ]
    },
    "directMessages" : {
      "mediaDirectory" : "data/direct_messages_media",
      "files" : [ { "fileName" : "data/direct-messages.js", "globalName" : "YTD.direct_messages.part0", "count" : "1" } ]
    },
    "directMessagesGroup" : {
      "mediaDirectory" : "data/direct_messages_group_media",
      "files" : [ { "fileName" : "data/direct-messages-group.js", "globalName" : "YTD.direct_messages_group.part0", "count" : "1" } ]
    },
    "like" : {
      "files" : [ { "fileName" : "data/like.js", "globalName" : "YTD.like.part0", "count" : "0" } ]
    },
    "tweets" : {
      "mediaDirectory" : "data/tweets_media",
      "files" : [
        { "fileName" : "data/tweets.js", "globalName" : "YTD.tweets.part0", "count" : "1" },
        { "fileName" : "data/tweets-part1.js", "globalName" : "YTD.tweets.part1", "count" : "1" }
      ]
    }
  }
}
