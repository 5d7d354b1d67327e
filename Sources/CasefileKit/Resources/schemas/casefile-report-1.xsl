<?xml version="1.0" encoding="UTF-8"?>
<!--
  casefile evidence bundle, format version 1, as one self-contained HTML page (schemas/README.md).

  The signed bundle.xml is the evidence; this page is a reading copy of it, placed beside it in the
  package so that the attachments' relative paths (attachments/...) resolve. It opens offline: it
  has no script, loads nothing remote, and its Content-Security-Policy forbids both. Every value of
  the bundle is written as escaped text or attribute value; disable-output-escaping is never used,
  document() is never called, and nothing here depends on the time or on node identity, so the same
  bundle always gives the same bytes.

  Text written as base64 (encoding="base64") is decoded with EXSLT's str:decode-uri, which libxslt
  and xsltproc have: the base64 is turned into %XX escapes of its UTF-8 bytes first. Control
  characters other than tab and line feed are shown as the Unicode control pictures (U+2400 to
  U+241F, U+2421), so a carriage return reads as a visible symbol. A processor without
  str:decode-uri shows the base64 itself, marked as such.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:b="urn:casefile:bundle:1"
                xmlns:str="http://exslt.org/strings"
                exclude-result-prefixes="b str">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:key name="actor" match="b:actor" use="@ref"/>
  <xsl:key name="step" match="b:step" use="@ref"/>

  <xsl:variable name="base64-alphabet" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'"/>
  <xsl:variable name="hex-digits" select="'0123456789ABCDEF'"/>
  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>
  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <!-- The characters of a package path (the XSD's PackagePath). -->
  <xsl:variable name="path-characters" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/'"/>

  <xsl:variable name="confidential-present"
                select="boolean(/b:bundle/b:notes | /b:bundle/b:actors/b:actor/b:patient | /b:bundle/b:steps/b:step[@confidential = 'true'])"/>

  <!-- The page -->

  <xsl:template match="/">
    <xsl:apply-templates select="b:bundle"/>
  </xsl:template>

  <xsl:template match="/*" priority="-1">
    <html lang="en">
      <head>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'"/>
        <title>Not a casefile bundle</title>
      </head>
      <body>
        <h1>Not a casefile bundle</h1>
        <p>The root element is not <code>bundle</code> in the namespace <code>urn:casefile:bundle:1</code>.</p>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="b:bundle">
    <html lang="en">
      <head>
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'"/>
        <meta name="referrer" content="no-referrer"/>
        <title>
          <xsl:text>Evidence bundle </xsl:text>
          <xsl:value-of select="b:metadata/b:caseRef"/>
          <xsl:text>: </xsl:text>
          <xsl:call-template name="text">
            <xsl:with-param name="node" select="b:case/b:title"/>
          </xsl:call-template>
        </title>
        <style>
          <xsl:call-template name="css"/>
        </style>
      </head>
      <body>
        <xsl:call-template name="header"/>
        <xsl:call-template name="timeline"/>
        <xsl:call-template name="actors"/>
        <xsl:call-template name="items"/>
        <xsl:if test="b:notes">
          <xsl:call-template name="notes"/>
        </xsl:if>
        <xsl:call-template name="manifest"/>
        <footer>
          <p>
            <xsl:text>A reading copy of bundle.xml, made with casefile-report-1.xsl. The signed bundle.xml is the evidence; where this page and it differ, bundle.xml is right. Check each file of the package against the digests above.</xsl:text>
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- Header: the case, the bundle and who sent it -->

  <xsl:template name="header">
    <xsl:variable name="metadata" select="b:metadata"/>
    <xsl:variable name="case" select="b:case"/>
    <header>
      <h1>
        <xsl:value-of select="$metadata/b:caseRef"/>
        <xsl:text>: </xsl:text>
        <span class="message">
          <xsl:call-template name="text">
            <xsl:with-param name="node" select="$case/b:title"/>
          </xsl:call-template>
        </span>
      </h1>
      <xsl:if test="$confidential-present">
        <p class="banner confidential">CONFIDENTIAL: this bundle holds private notes, the patient flag or confidential steps. Do not pass it on.</p>
      </xsl:if>
      <dl class="facts">
        <dt>Case</dt>
        <dd><xsl:value-of select="$case/@ref"/></dd>
        <dt>Title</dt>
        <dd>
          <xsl:call-template name="text">
            <xsl:with-param name="node" select="$case/b:title"/>
          </xsl:call-template>
        </dd>
        <dt>Category</dt>
        <dd><xsl:value-of select="$case/b:category"/></dd>
        <dt>Severity</dt>
        <dd><xsl:value-of select="$case/b:severity"/></dd>
        <dt>Status</dt>
        <dd><xsl:value-of select="$case/b:status"/></dd>
        <dt>Opened</dt>
        <dd>
          <xsl:call-template name="utc">
            <xsl:with-param name="time" select="$case/b:openedAt"/>
          </xsl:call-template>
        </dd>
        <xsl:if test="$case/b:closedAt">
          <dt>Closed</dt>
          <dd>
            <xsl:call-template name="utc">
              <xsl:with-param name="time" select="$case/b:closedAt"/>
            </xsl:call-template>
          </dd>
        </xsl:if>
        <dt>Profile</dt>
        <dd>
          <xsl:value-of select="@profile"/>
          <xsl:choose>
            <xsl:when test="@profile = 'platform'"> (for a platform's trust and safety team)</xsl:when>
            <xsl:when test="@profile = 'indemnifier'"> (for the doctor's indemnifier)</xsl:when>
            <xsl:when test="@profile = 'police'"> (for the police)</xsl:when>
          </xsl:choose>
        </dd>
        <dt>Bundle created</dt>
        <dd>
          <xsl:call-template name="utc">
            <xsl:with-param name="time" select="$metadata/b:createdAt"/>
          </xsl:call-template>
        </dd>
        <dt>Generator</dt>
        <dd>
          <xsl:value-of select="$metadata/b:generator/@name"/>
          <xsl:text> </xsl:text>
          <xsl:value-of select="$metadata/b:generator/@version"/>
        </dd>
        <dt>Audit log head</dt>
        <dd><code class="digest"><xsl:value-of select="$metadata/b:auditHead"/></code></dd>
        <dt>Signing key fingerprint</dt>
        <dd><code class="digest"><xsl:value-of select="b:sender/b:keyFingerprint"/></code> (SHA-256 of the public key)</dd>
        <xsl:if test="$metadata/b:excluded">
          <dt>Items left out</dt>
          <dd>
            <xsl:for-each select="$metadata/b:excluded/b:item">
              <xsl:if test="position() &gt; 1">, </xsl:if>
              <xsl:value-of select="."/>
            </xsl:for-each>
          </dd>
        </xsl:if>
        <xsl:if test="$metadata/b:allowed">
          <dt>Checks overridden</dt>
          <dd>
            <xsl:for-each select="$metadata/b:allowed/b:finding">
              <xsl:if test="position() &gt; 1">, </xsl:if>
              <xsl:value-of select="."/>
            </xsl:for-each>
          </dd>
        </xsl:if>
      </dl>
      <xsl:apply-templates select="b:sender[b:name | b:registrationNumber | b:indemnifier]"/>
    </header>
  </xsl:template>

  <xsl:template match="b:sender">
    <h2>Sent by</h2>
    <dl class="facts">
      <xsl:if test="b:name">
        <dt>Name</dt>
        <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:name"/></xsl:call-template></dd>
      </xsl:if>
      <xsl:if test="b:registrationNumber">
        <dt>Registration number</dt>
        <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:registrationNumber"/></xsl:call-template></dd>
      </xsl:if>
      <xsl:for-each select="b:indemnifier">
        <dt>Indemnifier</dt>
        <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:organisation"/></xsl:call-template></dd>
        <xsl:if test="b:membershipNumber">
          <dt>Membership number</dt>
          <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:membershipNumber"/></xsl:call-template></dd>
        </xsl:if>
        <xsl:if test="b:contact">
          <dt>Indemnifier contact</dt>
          <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:contact"/></xsl:call-template></dd>
        </xsl:if>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <!-- Timeline: the steps, outcomes and retractions, by day -->

  <xsl:template name="timeline">
    <section id="timeline">
      <h2>Timeline of steps</h2>
      <xsl:choose>
        <xsl:when test="b:steps/b:step">
          <table>
            <thead>
              <tr><th>Day</th><th>Ref</th><th>Step</th><th>Details</th><th>Recorded</th></tr>
            </thead>
            <tbody>
              <xsl:for-each select="b:steps/b:step">
                <xsl:sort select="@on"/>
                <xsl:sort select="@recordedAt"/>
                <xsl:apply-templates select="."/>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise>
          <p>No steps recorded.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="b:step">
    <tr id="step-{@ref}">
      <xsl:if test="@retractedBy">
        <xsl:attribute name="class">retracted</xsl:attribute>
      </xsl:if>
      <td><xsl:value-of select="@on"/></td>
      <td><xsl:value-of select="@ref"/></td>
      <td>
        <xsl:call-template name="step-kind">
          <xsl:with-param name="kind" select="@kind"/>
        </xsl:call-template>
        <xsl:if test="@refersTo">
          <xsl:variable name="target" select="key('step', @refersTo)"/>
          <br/>
          <xsl:choose>
            <xsl:when test="@kind = 'retraction'">withdraws </xsl:when>
            <xsl:when test="@kind = 'outcome'">answer to </xsl:when>
            <xsl:otherwise>refers to </xsl:otherwise>
          </xsl:choose>
          <xsl:call-template name="step-link">
            <xsl:with-param name="ref" select="@refersTo"/>
          </xsl:call-template>
          <xsl:if test="$target">
            <xsl:text> (</xsl:text>
            <xsl:call-template name="step-kind">
              <xsl:with-param name="kind" select="$target/@kind"/>
            </xsl:call-template>
            <xsl:text>)</xsl:text>
          </xsl:if>
        </xsl:if>
        <xsl:if test="@retractedBy">
          <br/>
          <strong class="label">RETRACTED</strong>
          <xsl:text> by </xsl:text>
          <xsl:call-template name="step-link">
            <xsl:with-param name="ref" select="@retractedBy"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="@confidential = 'true'">
          <br/>
          <strong class="label confidential">CONFIDENTIAL</strong>
        </xsl:if>
      </td>
      <td>
        <xsl:if test="b:detail">
          <dl class="details">
            <xsl:apply-templates select="b:detail"/>
          </dl>
        </xsl:if>
      </td>
      <td>
        <xsl:call-template name="utc">
          <xsl:with-param name="time" select="@recordedAt"/>
        </xsl:call-template>
      </td>
    </tr>
  </xsl:template>

  <xsl:template name="step-kind">
    <xsl:param name="kind"/>
    <xsl:choose>
      <xsl:when test="$kind = 'ignore'">Did not reply</xsl:when>
      <xsl:when test="$kind = 'block'">Blocked, muted or unfollowed</xsl:when>
      <xsl:when test="$kind = 'report'">Reported to the platform</xsl:when>
      <xsl:when test="$kind = 'indemnifier'">Contacted the indemnifier</xsl:when>
      <xsl:when test="$kind = 'police'">Reported to the police</xsl:when>
      <xsl:when test="$kind = 'outcome'">Platform's answer</xsl:when>
      <xsl:when test="$kind = 'retraction'">Retraction</xsl:when>
      <xsl:otherwise><xsl:value-of select="$kind"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="step-link">
    <xsl:param name="ref"/>
    <xsl:choose>
      <xsl:when test="key('step', $ref)">
        <a href="#step-{$ref}"><xsl:value-of select="$ref"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$ref"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="b:detail">
    <dt><xsl:value-of select="@name"/></dt>
    <dd>
      <xsl:call-template name="text">
        <xsl:with-param name="node" select="."/>
      </xsl:call-template>
    </dd>
  </xsl:template>

  <!-- Actors -->

  <xsl:template name="actors">
    <xsl:variable name="flags" select="boolean(b:actors/b:actor/b:patient)"/>
    <section id="actors">
      <h2>Accounts</h2>
      <xsl:choose>
        <xsl:when test="b:actors/b:actor">
          <table>
            <thead>
              <tr>
                <th>Ref</th><th>Platform</th><th>Handle</th><th>Display name</th><th>Platform user id</th><th>Profile</th>
                <xsl:if test="$flags">
                  <th class="confidential">Patient (CONFIDENTIAL)</th>
                </xsl:if>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="b:actors/b:actor">
                <tr id="actor-{@ref}">
                  <td><xsl:value-of select="@ref"/></td>
                  <td><xsl:value-of select="@platform"/></td>
                  <td class="message"><xsl:call-template name="text"><xsl:with-param name="node" select="b:handle"/></xsl:call-template></td>
                  <td class="message"><xsl:call-template name="text"><xsl:with-param name="node" select="b:displayName"/></xsl:call-template></td>
                  <td><xsl:call-template name="text"><xsl:with-param name="node" select="b:platformUserId"/></xsl:call-template></td>
                  <td class="url"><xsl:call-template name="url"><xsl:with-param name="node" select="b:profileUrl"/></xsl:call-template></td>
                  <xsl:if test="$flags">
                    <td class="confidential">
                      <xsl:choose>
                        <xsl:when test="b:patient/@flagged = 'true' or b:patient/@flagged = '1'">CONFIDENTIAL: marked as a patient's account</xsl:when>
                        <xsl:when test="b:patient">CONFIDENTIAL: not marked</xsl:when>
                      </xsl:choose>
                    </td>
                  </xsl:if>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise>
          <p>No accounts recorded.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- Items, in time order -->

  <!-- casefile renders a big bundle's items in runs on several threads and joins their articles
       (Sources/CasefileKit/Bundle/ReportChunks.swift). That gives the bytes of one run only while
       the articles sit one after the other in this section, are sorted by these two keys, and
       each depends on nothing but its item and its author: change any of that there too. -->
  <xsl:template name="items">
    <section id="items">
      <h2>Evidence items</h2>
      <xsl:choose>
        <xsl:when test="b:items/b:item">
          <p class="note">In order of the time each was sent or posted, in UTC.</p>
          <xsl:for-each select="b:items/b:item">
            <xsl:sort select="b:occurredAt/@utc"/>
            <xsl:sort select="b:capturedAt"/>
            <xsl:apply-templates select="."/>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>No items in this bundle.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="b:item">
    <article class="item" id="item-{@ref}">
      <h3>
        <xsl:value-of select="@ref"/>
        <xsl:text>: </xsl:text>
        <xsl:call-template name="utc">
          <xsl:with-param name="time" select="b:occurredAt/@utc"/>
        </xsl:call-template>
      </h3>
      <dl class="facts">
        <dt>Time as given</dt>
        <dd>
          <span class="message"><xsl:value-of select="b:occurredAt"/></span>
          <xsl:text> (zone </xsl:text>
          <span class="message"><xsl:value-of select="b:occurredAt/@zone"/></span>
          <xsl:choose>
            <xsl:when test="b:occurredAt/@zoneSource = 'assumed'">, <strong>assumed</strong>: the source did not state it</xsl:when>
            <xsl:otherwise>, stated by the source</xsl:otherwise>
          </xsl:choose>
          <xsl:text>)</xsl:text>
        </dd>
        <dt>Captured</dt>
        <dd>
          <xsl:call-template name="utc">
            <xsl:with-param name="time" select="b:capturedAt"/>
          </xsl:call-template>
        </dd>
        <dt>Kind</dt>
        <dd><xsl:value-of select="@kind"/></dd>
        <dt>Platform</dt>
        <dd><xsl:value-of select="@platform"/></dd>
        <xsl:if test="@author">
          <dt>Author</dt>
          <dd>
            <xsl:variable name="actor" select="key('actor', @author)"/>
            <xsl:choose>
              <xsl:when test="$actor">
                <span class="message">
                  <xsl:call-template name="text">
                    <xsl:with-param name="node" select="$actor/b:handle"/>
                  </xsl:call-template>
                </span>
                <xsl:text> (</xsl:text>
                <a href="#actor-{@author}"><xsl:value-of select="@author"/></a>
                <xsl:text>)</xsl:text>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="@author"/></xsl:otherwise>
            </xsl:choose>
          </dd>
        </xsl:if>
        <xsl:if test="@direction">
          <dt>Direction</dt>
          <dd><xsl:value-of select="@direction"/></dd>
        </xsl:if>
        <xsl:if test="b:thread">
          <dt>Thread</dt>
          <dd class="message"><xsl:call-template name="text"><xsl:with-param name="node" select="b:thread"/></xsl:call-template></dd>
        </xsl:if>
        <xsl:if test="b:recipients">
          <dt>Recipients</dt>
          <dd>
            <xsl:for-each select="b:recipients/b:recipient">
              <xsl:if test="position() &gt; 1">, </xsl:if>
              <span class="message"><xsl:call-template name="text"><xsl:with-param name="node" select="."/></xsl:call-template></span>
            </xsl:for-each>
          </dd>
        </xsl:if>
        <xsl:if test="b:url">
          <dt>URL</dt>
          <dd class="url"><xsl:call-template name="url"><xsl:with-param name="node" select="b:url"/></xsl:call-template></dd>
        </xsl:if>
        <xsl:if test="b:platformMessageId">
          <dt>Platform id</dt>
          <dd><xsl:call-template name="text"><xsl:with-param name="node" select="b:platformMessageId"/></xsl:call-template></dd>
        </xsl:if>
      </dl>
      <xsl:apply-templates select="b:text"/>
      <xsl:if test="b:details">
        <h4>Details</h4>
        <dl class="details">
          <xsl:apply-templates select="b:details/b:detail"/>
        </dl>
      </xsl:if>
      <xsl:apply-templates select="b:provenance"/>
      <xsl:if test="b:attachments">
        <h4>Attachments</h4>
        <xsl:apply-templates select="b:attachments/b:attachment"/>
      </xsl:if>
    </article>
  </xsl:template>

  <xsl:template match="b:item/b:text">
    <h4>Text</h4>
    <xsl:if test="@redacted = 'true' or @redacted = '1'">
      <p class="redacted">
        <strong>REDACTED copy</strong>
        <xsl:text>: parts of the original text were removed before this bundle was made.</xsl:text>
        <xsl:if test="@originalSha256">
          <xsl:text> SHA-256 of the original text: </xsl:text>
          <code class="digest"><xsl:value-of select="@originalSha256"/></code>
        </xsl:if>
      </p>
    </xsl:if>
    <div class="message text">
      <xsl:call-template name="text">
        <xsl:with-param name="node" select="."/>
      </xsl:call-template>
    </div>
    <xsl:if test="@encoding = 'base64'">
      <p class="note">Decoded from base64 in bundle.xml, where it is kept exactly; control characters are shown as symbols (a carriage return as &#x240D;).</p>
    </xsl:if>
  </xsl:template>

  <xsl:template match="b:provenance">
    <h4>Provenance</h4>
    <dl class="facts">
      <dt>Method</dt>
      <dd>
        <xsl:value-of select="@method"/>
        <xsl:choose>
          <xsl:when test="@method = 'manual'"> (logged by hand)</xsl:when>
          <xsl:when test="@method = 'import'"> (imported from the platform's data download)</xsl:when>
        </xsl:choose>
      </dd>
      <xsl:for-each select="b:import">
        <dt>Format</dt>
        <dd><xsl:value-of select="@format"/></dd>
        <xsl:if test="@archiveSha256">
          <dt>Archive SHA-256</dt>
          <dd><code class="digest"><xsl:value-of select="@archiveSha256"/></code></dd>
        </xsl:if>
        <xsl:if test="@entry">
          <dt>Entry</dt>
          <dd><code><xsl:value-of select="@entry"/></code></dd>
        </xsl:if>
        <dt>Fragment SHA-256</dt>
        <dd><code class="digest"><xsl:value-of select="@fragmentSha256"/></code></dd>
        <xsl:if test="b:fragment">
          <dt>Raw fragment</dt>
          <dd>in bundle.xml, as base64</dd>
        </xsl:if>
      </xsl:for-each>
    </dl>
  </xsl:template>

  <xsl:template match="b:attachment">
    <xsl:variable name="safe">
      <xsl:call-template name="is-package-path">
        <xsl:with-param name="path" select="@path"/>
      </xsl:call-template>
    </xsl:variable>
    <figure class="attachment">
      <xsl:if test="$safe = 'yes' and starts-with(@path, 'attachments/') and starts-with(translate(@mediaType, $upper, $lower), 'image/')">
        <img src="{@path}" alt="{.}"/>
      </xsl:if>
      <figcaption>
        <xsl:choose>
          <xsl:when test="$safe = 'yes'">
            <a href="{@path}"><xsl:value-of select="@path"/></a>
          </xsl:when>
          <xsl:otherwise><code><xsl:value-of select="@path"/></code></xsl:otherwise>
        </xsl:choose>
        <br/>
        <xsl:text>Original name: </xsl:text>
        <span class="message"><xsl:value-of select="."/></span>
        <br/>
        <xsl:value-of select="@mediaType"/>
        <xsl:text>, </xsl:text>
        <xsl:call-template name="size">
          <xsl:with-param name="bytes" select="@size"/>
        </xsl:call-template>
        <br/>
        <xsl:text>SHA-256 </xsl:text>
        <code class="digest"><xsl:value-of select="@sha256"/></code>
        <xsl:if test="@transform = 'metadata-removed'">
          <br/>
          <xsl:text>A copy with the image's metadata removed and its pixels unchanged; SHA-256 of the original: </xsl:text>
          <code class="digest"><xsl:value-of select="@originalSha256"/></code>
        </xsl:if>
      </figcaption>
    </figure>
  </xsl:template>

  <!-- Notes: confidential, present only when the bundle carries them -->

  <xsl:template name="notes">
    <section id="notes" class="confidential">
      <h2>Private notes (CONFIDENTIAL)</h2>
      <p class="banner confidential">CONFIDENTIAL: the doctor's private notes. Do not pass them on.</p>
      <xsl:choose>
        <xsl:when test="b:notes/b:note">
          <xsl:for-each select="b:notes/b:note">
            <xsl:sort select="@createdAt"/>
            <div class="note-entry" id="note-{@ref}">
              <h3>
                <xsl:value-of select="@ref"/>
                <xsl:text>: </xsl:text>
                <xsl:call-template name="utc">
                  <xsl:with-param name="time" select="@createdAt"/>
                </xsl:call-template>
              </h3>
              <div class="message text">
                <xsl:call-template name="text">
                  <xsl:with-param name="node" select="."/>
                </xsl:call-template>
              </div>
            </div>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>No notes.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- Manifest -->

  <xsl:template name="manifest">
    <section id="manifest">
      <h2>Files of the package</h2>
      <p class="note">Every file of the package other than bundle.xml, with its size and SHA-256 digest.</p>
      <xsl:choose>
        <xsl:when test="b:manifest/b:file">
          <table>
            <thead>
              <tr><th>Path</th><th>Size</th><th>SHA-256</th></tr>
            </thead>
            <tbody>
              <xsl:for-each select="b:manifest/b:file">
                <tr>
                  <td><code><xsl:value-of select="@path"/></code></td>
                  <td class="number">
                    <xsl:call-template name="size">
                      <xsl:with-param name="bytes" select="@size"/>
                    </xsl:call-template>
                  </td>
                  <td><code class="digest"><xsl:value-of select="@sha256"/></code></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise>
          <p>No files besides bundle.xml.</p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <!-- Helpers -->

  <!-- A UTC time of the bundle (2026-11-20T21:30:05.000Z) as "2026-11-20 21:30:05 UTC"; the
       milliseconds only when they are not zero. Anything else is shown as it is. -->
  <xsl:template name="utc">
    <xsl:param name="time"/>
    <xsl:variable name="t" select="string($time)"/>
    <xsl:choose>
      <xsl:when test="string-length($t) = 24 and substring($t, 11, 1) = 'T' and substring($t, 24, 1) = 'Z'">
        <time datetime="{$t}">
          <xsl:value-of select="concat(substring($t, 1, 10), ' ', substring($t, 12, 8))"/>
          <xsl:if test="substring($t, 21, 3) != '000'">
            <xsl:value-of select="concat('.', substring($t, 21, 3))"/>
          </xsl:if>
          <xsl:text> UTC</xsl:text>
        </time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$t"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="size">
    <xsl:param name="bytes"/>
    <xsl:choose>
      <xsl:when test="string(number($bytes)) != 'NaN'">
        <xsl:value-of select="format-number($bytes, '#,##0')"/>
        <xsl:text> bytes</xsl:text>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$bytes"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "yes" when a path is a plain relative path inside the package (the XSD's PackagePath, no
       empty, "." or ".." segment), so that a link or an image of it stays in the package. -->
  <xsl:template name="is-package-path">
    <xsl:param name="path"/>
    <xsl:variable name="p" select="string($path)"/>
    <xsl:if test="$p != '' and translate($p, $path-characters, '') = ''
                  and not(starts-with($p, '/')) and not(substring($p, string-length($p)) = '/')
                  and not(contains($p, '//')) and not(contains(concat('/', $p, '/'), '/./'))
                  and not(contains($p, '..'))">yes</xsl:if>
  </xsl:template>

  <!-- A URL of the bundle: a link when it is http or https, otherwise text. The link is to be
       followed by a person; nothing on the page loads it. -->
  <xsl:template name="url">
    <xsl:param name="node"/>
    <xsl:variable name="value">
      <xsl:call-template name="text">
        <xsl:with-param name="node" select="$node"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="scheme" select="translate(substring-before($value, ':'), $upper, $lower)"/>
    <xsl:choose>
      <xsl:when test="($scheme = 'https' or $scheme = 'http') and not($node/@encoding)
                      and translate($value, ' &#9;&#10;&#13;&lt;&gt;&quot;', '') = $value">
        <a href="{$value}" rel="noreferrer noopener nofollow"><xsl:value-of select="$value"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Text of the bundle's Text type: as it is, or decoded when encoding="base64". -->
  <xsl:template name="text">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@encoding = 'base64'">
        <xsl:call-template name="decode-base64">
          <xsl:with-param name="data" select="string($node)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$node"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Base64 of UTF-8 text, decoded: to %XX escapes of its bytes, then EXSLT's str:decode-uri,
       which refuses (returns "") bytes that are not UTF-8. -->
  <xsl:template name="decode-base64">
    <xsl:param name="data"/>
    <xsl:variable name="clean" select="translate($data, ' &#9;&#10;&#13;', '')"/>
    <xsl:variable name="length" select="string-length($clean)"/>
    <xsl:variable name="well-formed"
                  select="$length mod 4 = 0 and translate($clean, concat($base64-alphabet, '='), '') = ''
                          and not(contains(substring($clean, 1, $length - 2), '='))
                          and not(substring($clean, $length - 1, 1) = '=' and substring($clean, $length, 1) != '=')"/>
    <xsl:choose>
      <xsl:when test="$length = 0"/>
      <xsl:when test="$well-formed and function-available('str:decode-uri')">
        <xsl:variable name="escaped">
          <xsl:call-template name="base64-to-escapes">
            <xsl:with-param name="data" select="$clean"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:variable name="decoded" select="str:decode-uri(string($escaped))"/>
        <xsl:choose>
          <xsl:when test="$decoded != ''"><xsl:value-of select="$decoded"/></xsl:when>
          <xsl:otherwise>
            <xsl:text>[base64 that is not UTF-8 text, as it stands in bundle.xml] </xsl:text>
            <xsl:value-of select="$clean"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:when test="$well-formed">
        <xsl:text>[base64, not decoded by this XSLT processor] </xsl:text>
        <xsl:value-of select="$clean"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>[malformed base64, as it stands in bundle.xml] </xsl:text>
        <xsl:value-of select="$clean"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Halves the data (at a multiple of 4) until one 4-character group is left, so that the
       recursion is only as deep as the logarithm of the length. -->
  <xsl:template name="base64-to-escapes">
    <xsl:param name="data"/>
    <xsl:variable name="length" select="string-length($data)"/>
    <xsl:choose>
      <xsl:when test="$length &gt; 4">
        <xsl:variable name="half" select="floor($length div 8) * 4"/>
        <xsl:call-template name="base64-to-escapes">
          <xsl:with-param name="data" select="substring($data, 1, $half)"/>
        </xsl:call-template>
        <xsl:call-template name="base64-to-escapes">
          <xsl:with-param name="data" select="substring($data, $half + 1)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$length = 4">
        <xsl:variable name="c3" select="substring($data, 3, 1)"/>
        <xsl:variable name="c4" select="substring($data, 4, 1)"/>
        <xsl:variable name="v1" select="string-length(substring-before($base64-alphabet, substring($data, 1, 1)))"/>
        <xsl:variable name="v2" select="string-length(substring-before($base64-alphabet, substring($data, 2, 1)))"/>
        <xsl:variable name="v3" select="string-length(substring-before($base64-alphabet, $c3))"/>
        <xsl:variable name="v4" select="string-length(substring-before($base64-alphabet, $c4))"/>
        <xsl:call-template name="byte-escape">
          <xsl:with-param name="byte" select="$v1 * 4 + floor($v2 div 16)"/>
        </xsl:call-template>
        <xsl:if test="$c3 != '='">
          <xsl:call-template name="byte-escape">
            <xsl:with-param name="byte" select="($v2 mod 16) * 16 + floor($v3 div 4)"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="$c4 != '='">
          <xsl:call-template name="byte-escape">
            <xsl:with-param name="byte" select="($v3 mod 4) * 64 + $v4"/>
          </xsl:call-template>
        </xsl:if>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- One byte as %XX; a control character other than tab and line feed becomes the UTF-8 of its
       control picture (U+2400 + the byte; U+2421 for DEL), so it is visible and never NUL. -->
  <xsl:template name="byte-escape">
    <xsl:param name="byte"/>
    <xsl:choose>
      <xsl:when test="$byte = 9 or $byte = 10 or ($byte &gt; 31 and $byte != 127)">
        <xsl:value-of select="concat('%', substring($hex-digits, floor($byte div 16) + 1, 1), substring($hex-digits, $byte mod 16 + 1, 1))"/>
      </xsl:when>
      <xsl:when test="$byte = 127">%E2%90%A1</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat('%E2%90%', substring($hex-digits, floor(($byte + 128) div 16) + 1, 1), substring($hex-digits, ($byte + 128) mod 16 + 1, 1))"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="css">
    <xsl:text>
body { font-family: Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.45; color: #000; background: #fff; margin: 2em auto; max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.5em; margin: 0 0 .5em; }
h2 { font-size: 1.25em; margin: 1.5em 0 .5em; border-bottom: 1px solid #000; }
h3 { font-size: 1.05em; margin: 0 0 .4em; }
h4 { font-size: 1em; margin: .8em 0 .3em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: .25em .4em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.number { text-align: right; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
dl.details { margin: 0; }
dl.details dt { font-style: italic; }
dl.details dd { margin: 0 0 .2em 1em; white-space: pre-wrap; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
code.digest { overflow-wrap: anywhere; }
.message { unicode-bidi: isolate; }
div.text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; border: 1px solid #888; padding: .5em; background: #fafafa; }
.url { overflow-wrap: anywhere; }
.item { border: 1px solid #000; padding: .8em; margin: 0 0 1em; break-inside: avoid; page-break-inside: avoid; }
.note { font-size: .9em; color: #333; }
.label { font-weight: bold; }
.banner { border: 2px solid #000; padding: .4em .6em; font-weight: bold; }
.confidential { color: #900; }
.banner.confidential { border-color: #900; }
section.confidential { border: 2px solid #900; padding: 0 .8em .8em; }
tr.retracted td { text-decoration: line-through; color: #555; }
figure.attachment { margin: .5em 0; }
figure.attachment img { display: block; max-width: 100%; max-height: 40em; border: 1px solid #888; }
figcaption { font-size: .9em; overflow-wrap: anywhere; }
footer { margin-top: 2em; font-size: .9em; border-top: 1px solid #000; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  a { color: #000; text-decoration: none; }
  section#items h2, section#manifest h2 { break-before: page; page-break-before: always; }
}
</xsl:text>
  </xsl:template>
</xsl:stylesheet>
